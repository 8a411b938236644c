/**
 * The emulator's one error type: a gRPC status code plus a message written for the person who
 * made the call (it names the field or resource that is wrong). The gRPC layer sends it as the
 * call's status; anything else thrown inside a handler becomes INTERNAL.
 */
import { status } from '@grpc/grpc-js';

export class ApiError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const invalidArgument = (message: string) => new ApiError(status.INVALID_ARGUMENT, message);
export const notFound = (message: string) => new ApiError(status.NOT_FOUND, message);
export const alreadyExists = (message: string) => new ApiError(status.ALREADY_EXISTS, message);
export const failedPrecondition = (message: string) => new ApiError(status.FAILED_PRECONDITION, message);
export const unimplemented = (message: string) => new ApiError(status.UNIMPLEMENTED, message);
