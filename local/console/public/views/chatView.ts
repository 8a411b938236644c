import { emptyState } from '../ui.js';
import type { View } from '../view.js';

export class ChatView implements View {
  readonly id = 'chat';
  mount(container: HTMLElement): void {
    container.appendChild(emptyState('Chat', 'coming soon'));
  }
  unmount(): void {}
}
