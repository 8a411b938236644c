/**
 * The google.cloud.tasks.v2.CloudTasks service definition, loaded from the v2 protos that ship
 * inside @google-cloud/tasks (their google/api, google/rpc, google/iam imports resolve from
 * google-gax's protos). Using the client's own protos means the emulator speaks exactly the wire
 * format the CloudTasksClient in node_modules expects.
 *
 * Decoding options: camelCase fields, int64 as numbers, enums as names, unset fields absent
 * (so "unset" can be told from a value where proto3 allows).
 */
import { loadSync } from '@grpc/proto-loader';
import { loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Folders to resolve proto imports from; neither package exports its package.json. */
export function protoDirs(): { tasks: string; gax: string } {
  // '@google-cloud/tasks/build/protos' is an exported entry (protos.cjs sits in the proto root).
  const tasks = dirname(require.resolve('@google-cloud/tasks/build/protos'));
  // google-gax's main is build/src/index.js; its protos are in build/protos.
  const gax = join(dirname(require.resolve('google-gax')), '..', 'protos');
  return { tasks, gax };
}

export function loadCloudTasksService(): ServiceDefinition {
  const dirs = protoDirs();
  const definition = loadSync('google/cloud/tasks/v2/cloudtasks.proto', {
    includeDirs: [dirs.tasks, dirs.gax],
    keepCase: false,
    longs: Number,
    enums: String,
    defaults: false,
    oneofs: false,
  });
  const pkg = loadPackageDefinition(definition) as unknown as {
    google: { cloud: { tasks: { v2: { CloudTasks: { service: ServiceDefinition } } } } };
  };
  return pkg.google.cloud.tasks.v2.CloudTasks.service;
}
