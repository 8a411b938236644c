import { emptyState } from '../ui.js';
import type { View } from '../view.js';

export class FaultsView implements View {
  readonly id = 'faults';
  mount(container: HTMLElement): void {
    container.appendChild(emptyState('Faults', 'coming soon'));
  }
  unmount(): void {}
}
