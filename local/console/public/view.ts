/**
 * What every console view implements. The shell mounts one view at a time into the content area
 * and unmounts it (unsubscribing its live listeners) when the person navigates away. `params` are
 * the route's query (#/drive?file=…); `update` receives new params without a remount.
 */
export interface View {
  readonly id: string;
  /** Content area without padding, for split layouts. */
  readonly flush?: boolean;
  mount(container: HTMLElement, params: URLSearchParams): void;
  update?(params: URLSearchParams): void;
  unmount(): void;
}
