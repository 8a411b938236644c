import { emptyState } from '../ui.js';
import type { View } from '../view.js';

export class GmailView implements View {
  readonly id = 'gmail';
  mount(container: HTMLElement): void {
    container.appendChild(emptyState('Gmail', 'coming soon'));
  }
  unmount(): void {}
}
