import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, type Request } from 'express';
import type { Settings } from '../settings';
import { DomainErrorFilter } from './domain-error.filter';

/** Paths whose bodies are read by their own parser (exact numbers), not the shared JSON parser. */
const OWN_BODY_PARSER = ['/v1/touchpoints'];

/** What every HTTP app of the platform shares: body parsing, error mapping, and /docs. */
export function configureHttpApp(app: INestApplication, settings: Settings): void {
  app.use(json({ limit: settings.maxBodyBytes, type: (request) => isJson(request as Request) && !OWN_BODY_PARSER.includes((request as Request).path) }));
  app.useGlobalFilters(new DomainErrorFilter());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Customer-data platform')
      .setDescription('Touchpoints in; unified customer views out. See README.md and docs/.')
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
}

function isJson(request: Request): boolean {
  return /^application\/json/i.test(request.headers['content-type'] ?? '');
}
