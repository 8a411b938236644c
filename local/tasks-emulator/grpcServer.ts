/**
 * The gRPC transport of the emulator: binds the CloudTasks service to a grpc-js Server and maps
 * each RPC to CloudTasksApi. An ApiError becomes the call's status with its message; anything
 * else is logged and answered INTERNAL. A call is answered once its writes are committed (the
 * state store commits each event-loop turn's writes together). The IAM RPCs are left unimplemented (UNIMPLEMENTED).
 */
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from '../../service/logger.js';
import { ApiError } from './apiError.js';
import type { CloudTasksApi } from './cloudTasksApi.js';
import { loadCloudTasksService } from './cloudTasksProto.js';

type Handler = (req: never) => unknown;

/** Calls back once the writes made so far are committed (StateStore.whenDurable). */
export type WhenDurable = (cb: (err?: Error) => void) => void;

export async function startGrpcServer(api: CloudTasksApi, whenDurable: WhenDurable, host: string, port: number, logger: Logger): Promise<{ server: Server; port: number }> {
  const unary = (method: string, fn: Handler) => (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
    try {
      const response = fn(call.request as never);
      // Answer only what is committed: an acknowledged CreateTask must survive a crash.
      whenDurable((err) => {
        if (!err) return callback(null, response);
        logger.error({ err, method }, 'tasks-emulator: could not commit');
        callback({ code: status.UNAVAILABLE, details: `emulator could not save the result of ${method}: ${err.message}` });
      });
    } catch (err) {
      if (err instanceof ApiError) {
        logger.debug({ method, code: err.code, message: err.message }, 'tasks-emulator: request rejected');
        callback({ code: err.code, details: err.message });
      } else {
        logger.error({ err, method }, 'tasks-emulator: internal error');
        callback({ code: status.INTERNAL, details: `emulator error in ${method}: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
  };
  const impl: UntypedServiceImplementation = {
    ListQueues: unary('ListQueues', (r) => api.listQueues(r)),
    GetQueue: unary('GetQueue', (r) => api.getQueue(r)),
    CreateQueue: unary('CreateQueue', (r) => api.createQueue(r)),
    UpdateQueue: unary('UpdateQueue', (r) => api.updateQueue(r)),
    DeleteQueue: unary('DeleteQueue', (r) => api.deleteQueue(r)),
    PurgeQueue: unary('PurgeQueue', (r) => api.purgeQueue(r)),
    PauseQueue: unary('PauseQueue', (r) => api.pauseQueue(r)),
    ResumeQueue: unary('ResumeQueue', (r) => api.resumeQueue(r)),
    ListTasks: unary('ListTasks', (r) => api.listTasks(r)),
    GetTask: unary('GetTask', (r) => api.getTask(r)),
    CreateTask: unary('CreateTask', (r) => api.createTask(r)),
    DeleteTask: unary('DeleteTask', (r) => api.deleteTask(r)),
    RunTask: unary('RunTask', (r) => api.runTask(r)),
  };
  const server = new Server();
  server.addService(loadCloudTasksService(), impl);
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host.includes(":") ? `[${host}]` : host}:${port}`, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  });
  return { server, port: bound };
}
