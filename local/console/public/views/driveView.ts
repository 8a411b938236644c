import { emptyState } from '../ui.js';
import type { View } from '../view.js';

export class DriveView implements View {
  readonly id = 'drive';
  mount(container: HTMLElement): void {
    container.appendChild(emptyState('Drive', 'coming soon'));
  }
  unmount(): void {}
}
