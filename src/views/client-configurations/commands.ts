import { AdminService } from '../../gen/prism/admin/v1/admin_service_pb.js';
import { AccessPattern } from '../../gen/prism/admin/v1/client_configuration_pb.js';
import { type BufCurlCommand, type BufCurlOptions, bufCurl } from '../commands.js';
import type { ConfigurationFormValues } from './form.js';
import { looseOptions } from './options.js';
import { patternFromFormValue } from './pattern.js';

/*
 * "Copy as command" for the configuration forms: the request the form would send with what it
 * holds now (read leniently: a half-filled form still gives a command to finish in the shell).
 */

const VERSION = /^\d{1,19}$/;

function message(values: ConfigurationFormValues, withVersion: boolean) {
  return {
    name: values.name.trim(),
    namespace: values.namespace.trim(),
    pattern: patternFromFormValue(values.pattern) ?? AccessPattern.UNSPECIFIED,
    backend: values.backend.trim(),
    description: values.description.trim(),
    options: looseOptions(values.rows),
    version: withVersion && VERSION.test(values.version) ? BigInt(values.version) : 0n,
  };
}

export function saveCommand(
  mode: 'create' | 'edit',
  values: ConfigurationFormValues,
  options: BufCurlOptions,
): BufCurlCommand {
  const request = {
    clientConfiguration: message(values, mode === 'edit'),
    requestId: values.request_id,
    reason: values.reason.trim(),
  };
  return mode === 'create'
    ? bufCurl(AdminService.method.createClientConfiguration, request, options)
    : bufCurl(AdminService.method.updateClientConfiguration, request, options);
}

export function deleteCommand(
  name: string,
  values: { version: string; request_id: string; reason: string },
  options: BufCurlOptions,
): BufCurlCommand {
  return bufCurl(
    AdminService.method.deleteClientConfiguration,
    {
      name,
      version: VERSION.test(values.version) ? BigInt(values.version) : 0n,
      requestId: values.request_id,
      reason: values.reason.trim(),
    },
    options,
  );
}
