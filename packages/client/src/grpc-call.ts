import * as grpc from '@grpc/grpc-js';

/** A grpc-js unary method as generated clients expose it (request, metadata, options, callback). */
export type UnaryMethod<Req, Res> = (
  req: Req,
  meta: grpc.Metadata,
  opts: grpc.CallOptions,
  cb: (err: grpc.ServiceError | null, res?: Res) => void,
) => unknown;

/**
 * One unary call as a promise with a deadline `timeoutMs` from now. Rejects with the grpc-js
 * ServiceError; callers turn it into a typed error with `fromServiceError` where they act on it.
 */
export function unaryCall<Req, Res>(
  client: grpc.Client,
  method: UnaryMethod<Req, Res>,
  req: Req,
  timeoutMs: number,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) =>
      err ? reject(err) : resolve(res as Res),
    );
  });
}

/** True for an error that came back from a gRPC call (it has a numeric status code). */
export function isServiceError(err: unknown): err is grpc.ServiceError {
  return err instanceof Error && typeof (err as Partial<grpc.ServiceError>).code === 'number';
}

/** A ServiceError made locally, for failures a call would have reported (deadline, broken stream). */
export function serviceError(
  code: grpc.status,
  details: string,
  metadata: grpc.Metadata = new grpc.Metadata(),
): grpc.ServiceError {
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), { code, details, metadata });
}
