import { Body, Controller, Get, Header, HttpCode, HttpException, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SCHEMA_CATALOG } from '@cdp/platform-runtime';
import { candidateProblems, findPublishedVersion, parseCandidate, subjectCompatibility, type PublishedSchema, type SchemaCatalog } from '@cdp/events';
import type { Type } from 'avsc';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * A read-only Confluent Schema Registry API over schemas/, so standard Kafka clients (Kafka
 * Connect, Flink, Spark, confluent-kafka serializers and the registry's build plugins) find and
 * check the platform's schemas with no code of ours. Publishing a schema is a change to schemas/.
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
    if (!published) throw registryError(404, 40403, 'Schema not found');
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
    return shown(subject, this.versionOf(subject, version));
  }

  @Post('subjects/:subject')
  @HttpCode(200)
  @Header('Content-Type', CONTENT_TYPE)
  @ApiOperation({ summary: 'The published version that is this schema: what a serializer that does not auto-register asks' })
  lookUp(@Param('subject') subject: string, @Body() body: unknown) {
    this.versionsOf(subject); // 40401 for an unknown subject, as Confluent answers, before the schema is looked at
    const published = findPublishedVersion(this.catalog, subject, candidateOf(body));
    if (!published) throw registryError(404, 40403, 'Schema not found');
    return shown(subject, published);
  }

  @Post('subjects/:subject/versions')
  @HttpCode(200)
  @Header('Content-Type', CONTENT_TYPE)
  @ApiOperation({ summary: "A schema's id, when it is published already; the registry is read-only, so a new one is refused" })
  register(@Param('subject') subject: string, @Body() body: unknown) {
    const candidate = candidateOf(body);
    const published = this.catalog.versions(subject).length > 0 ? findPublishedVersion(this.catalog, subject, candidate) : undefined;
    if (!published) {
      throw registryError(422, 42205, 'The registry is read-only: a schema is published by adding it to schemas/ (docs/adding-a-source.md), and producers must not auto-register');
    }
    return { id: published.id };
  }

  @Post('compatibility/subjects/:subject/versions')
  @HttpCode(200)
  @Header('Content-Type', CONTENT_TYPE)
  @ApiOperation({ summary: 'Whether this schema could be the subject\'s next version, against its latest (and every earlier one)' })
  compatibilityWithLatest(@Param('subject') subject: string, @Query('verbose') verbose: string | undefined, @Body() body: unknown) {
    return this.compatibility(subject, 'latest', verbose, body);
  }

  @Post('compatibility/subjects/:subject/versions/:version')
  @HttpCode(200)
  @Header('Content-Type', CONTENT_TYPE)
  @ApiOperation({ summary: "Whether this schema could be the subject's next version; ?verbose=true says why not" })
  compatibility(@Param('subject') subject: string, @Param('version') version: string, @Query('verbose') verbose: string | undefined, @Body() body: unknown) {
    const problems = candidateProblems(this.catalog, subject, this.versionOf(subject, version), candidateOf(body));
    return verbose === 'true' ? { is_compatible: problems.length === 0, messages: problems } : { is_compatible: problems.length === 0 };
  }

  @Get('config')
  @Header('Content-Type', CONTENT_TYPE)
  @ApiOperation({ summary: "The default policy between a subject's versions; each subject's is at /registry/config/{subject}" })
  config() {
    return { compatibilityLevel: 'BACKWARD' };
  }

  @Get('config/:subject')
  @Header('Content-Type', CONTENT_TYPE)
  @ApiOperation({ summary: "The policy between the subject's versions: a touchpoint type's manifest says" })
  subjectConfig(@Param('subject') subject: string) {
    const policy = subjectCompatibility(this.catalog, subject);
    if (!policy) throw registryError(404, 40401, 'Subject not found');
    return { compatibilityLevel: policy.toUpperCase() };
  }

  private versionsOf(subject: string): readonly PublishedSchema[] {
    const versions = this.catalog.versions(subject);
    if (versions.length === 0) throw registryError(404, 40401, 'Subject not found');
    return versions;
  }

  private versionOf(subject: string, version: string): PublishedSchema {
    const versions = this.versionsOf(subject);
    const published = version === 'latest' || version === '-1' ? versions[versions.length - 1] : versions.find((v) => v.version === Number(version));
    if (!published) throw registryError(404, 40402, 'Version not found');
    return published;
  }
}

function shown(subject: string, published: PublishedSchema) {
  return { subject, version: published.version, id: published.id, schema: JSON.stringify(published.schema) };
}

function candidateOf(body: unknown): Type {
  const parsed = parseCandidate((body as { schema?: unknown } | undefined)?.schema);
  if ('error' in parsed) throw registryError(422, 42201, parsed.error);
  return parsed.type;
}

/** An error as a Confluent registry answers it: `{ error_code, message }`. */
function registryError(status: number, errorCode: number, message: string): HttpException {
  return new HttpException({ error_code: errorCode, message }, status);
}
