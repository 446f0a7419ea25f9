import { create, type DescFile, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { file_prism_admin_v1_admin_service } from '../gen/prism/admin/v1/admin_service_pb.js';

/*
 * The AdminService schema for "Copy as command" (`buf curl --schema <url>`): a Buf image (a
 * FileDescriptorSet) of the very descriptors the console's generated client was built from,
 * so a command never names a field the console would not send. Served by the console as a
 * hashed static asset (scripts/build-assets.ts); a control plane without gRPC reflection — the
 * usual production setting — needs nothing else.
 */

/** Every file `root` needs, each once, dependencies before the files that import them. */
function filesOf(root: DescFile): DescFile[] {
  const seen = new Set<string>();
  const order: DescFile[] = [];
  const visit = (file: DescFile) => {
    if (seen.has(file.name)) return;
    seen.add(file.name);
    for (const dependency of file.dependencies) visit(dependency);
    order.push(file);
  };
  visit(root);
  return order;
}

/** The image bytes: AdminService and everything it imports (well-known types included). */
export function adminSchemaImage(): Uint8Array {
  const set = create(FileDescriptorSetSchema, {
    file: filesOf(file_prism_admin_v1_admin_service).map((file) => file.proto),
  });
  return toBinary(FileDescriptorSetSchema, set);
}
