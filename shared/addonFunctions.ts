/**
 * Names of the add-on's top-level Apps Script functions that cards refer to in
 * `onClick.action.function`. Cards built by the service (job result cards posted through the Chat
 * API) and by the add-on use these names, and a test loads the built bundle and checks each one
 * exists as a top-level function. Parameters are passed as action parameters (strings).
 */
export const ADDON_FUNCTIONS = {
  /** params: jobId */
  retryJob: 'onRetryJob',
  /** params: jobId */
  cancelJob: 'onCancelJob',
  /** params: jobId — re-reads the job and updates the card in place. */
  refreshJob: 'onRefreshJob',
  /** params: intakeId — a portal order card's Create project button. */
  createProjectFromIntake: 'onCreateProjectFromIntake',
  /** params: type, projectNumber, documentNumber — opens the reissue form (reason, confirm). */
  reissueDocument: 'onReissueDocument',
  /** params: as reissueDocument; form: reissueReason — enqueues the reissue. */
  confirmReissue: 'onConfirmReissue',
} as const;

export type AddonFunctionName = (typeof ADDON_FUNCTIONS)[keyof typeof ADDON_FUNCTIONS];
