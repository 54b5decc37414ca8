export declare const ROOT: string;
interface LocateOptions {
  install?: boolean;
  log?: (message: string) => void;
}
export declare function temporalCliPath(opts?: LocateOptions): string;
export declare function temporalTestServerPath(opts?: LocateOptions): string;
/** moto's S3-compatible server, installed into .tools/s3 from PyPI on first use (fails with the fix when it cannot). */
export declare function motoServerPath(opts?: LocateOptions): string;
