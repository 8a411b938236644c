import { emptyState } from '../ui.js';
import type { View } from '../view.js';

export class CalendarView implements View {
  readonly id = 'calendar';
  mount(container: HTMLElement): void {
    container.appendChild(emptyState('Calendar', 'coming soon'));
  }
  unmount(): void {}
}
