import { Controller, Get, Header, NotFoundException, Param } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SCHEMA_CATALOG } from '@cdp/platform-runtime';
import type { PublishedSchema, SchemaCatalog } from '@cdp/events';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * A read-only Confluent Schema Registry API over schemas/, so standard Kafka consumers (Kafka
 * Connect, Flink, Spark, confluent-kafka clients) decode the platform's topics with no code of ours.
 */
@ApiTags('schema registry')
@Controller('registry')
export class SchemaRegistryController {
  constructor(@Inject(SCHEMA_CATALOG) private readonly catalog: SchemaCatalog) {}

  @Get('schemas/ids/:id')
  @Header('Content-Type', CONTENT_TYPE)
  @ApiOperation({ summary: 'The schema with this id, as the wire format names it' })
  schemaById(@Param('id') id: string) {
    const published = this.catalog.byId(Number(id));
    if (!published) throw registryError(40403, 'Schema not found');
    return { schema: JSON.stringify(published.schema) };
  }

  @Get('subjects')
  @Header('Content-Type', CONTENT_TYPE)
  subjects(): string[] {
    return this.catalog.subjects();
  }

  @Get('subjects/:subject/versions')
  @Header('Content-Type', CONTENT_TYPE)
  versions(@Param('subject') subject: string): number[] {
    return this.versionsOf(subject).map((v) => v.version);
  }

  @Get('subjects/:subject/versions/:version')
  @Header('Content-Type', CONTENT_TYPE)
  version(@Param('subject') subject: string, @Param('version') version: string) {
    const versions = this.versionsOf(subject);
    const published = version === 'latest' || version === '-1' ? versions[versions.length - 1] : versions.find((v) => v.version === Number(version));
    if (!published) throw registryError(40402, 'Version not found');
    return { subject, version: published.version, id: published.id, schema: JSON.stringify(published.schema) };
  }

  @Get('config')
  @Header('Content-Type', CONTENT_TYPE)
  config() {
    return { compatibilityLevel: 'BACKWARD' };
  }

  private versionsOf(subject: string): readonly PublishedSchema[] {
    const versions = this.catalog.versions(subject);
    if (versions.length === 0) throw registryError(40401, 'Subject not found');
    return versions;
  }
}

function registryError(errorCode: number, message: string): NotFoundException {
  return new NotFoundException({ error_code: errorCode, message });
}
