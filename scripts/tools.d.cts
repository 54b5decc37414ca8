export declare const ROOT: string;
interface LocateOptions {
  install?: boolean;
  log?: (message: string) => void;
}
export declare function temporalCliPath(opts?: LocateOptions): string;
export declare function temporalTestServerPath(opts?: LocateOptions): string;
