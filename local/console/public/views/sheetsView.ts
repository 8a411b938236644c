import { emptyState } from '../ui.js';
import type { View } from '../view.js';

export class SheetsView implements View {
  readonly id = 'sheets';
  mount(container: HTMLElement): void {
    container.appendChild(emptyState('Sheets', 'coming soon'));
  }
  unmount(): void {}
}
