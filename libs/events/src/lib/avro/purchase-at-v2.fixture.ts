import { DEFAULT_SCHEMAS_DIR, readSchemaSources } from '../catalog/load-schema-catalog';
import { SchemaCatalog } from '../catalog/schema-catalog';

/** The shipped purchase at v1, and a v2 that renames location to store and adds giftWrap with a default. */
export function purchaseAtV2(): SchemaCatalog {
  const sources = readSchemaSources(DEFAULT_SCHEMAS_DIR);
  const v1 = sources.touchpoints.purchase.payloads.v1 as { fields: { name: string }[] };
  const renamed = v1.fields.map((field) => (field.name === 'location' ? { ...field, name: 'store', aliases: ['location'] } : field));
  const v2 = { ...v1, fields: [...renamed, { name: 'giftWrap', type: 'boolean', default: false }] };
  const id = Math.max(...sources.ids.map((entry) => entry.id)) + 1;
  return new SchemaCatalog({
    ...sources,
    touchpoints: { ...sources.touchpoints, purchase: { ...sources.touchpoints.purchase, payloads: { v1, v2 } } },
    ids: [...sources.ids, { id, schema: 'touchpoints/purchase', payload: 'v2', envelope: 'v1' }],
  });
}
