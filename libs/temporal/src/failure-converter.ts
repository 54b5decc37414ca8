import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces go into one payload (`encodedAttributes`) instead of the failure's
 * clear-text fields, so the payload codec seals them like any input or result; the server keeps only
 * "Encoded failure". Loaded by path: by the clients and the worker's activities through
 * `engineDataConverter`, and inside the workflow bundle (scripts/build-workflow-bundle.ts). Reading a
 * failure applies its encoded attributes whatever this option says, so clients without it still see
 * the message once the payload is opened.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
