import { Controller, Get, Global, Header, Inject, Module } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { releaseVersion } from '../release-version';

export const METRICS = Symbol('METRICS');

/** Prometheus's text format, as Express writes the header (charset first), so that /docs-json gives what comes. */
const METRICS_CONTENT_TYPE = 'text/plain; charset=utf-8; version=0.0.4';

@ApiTags('operations')
@Controller('metrics')
class MetricsController {
  constructor(@Inject(METRICS) private readonly registry: Registry) {}

  @Get()
  @ApiOperation({ summary: "The process's metrics, for Prometheus to scrape: projection lag and throughput, ingestion, the feed, the process itself (docs/operations.md lists them)" })
  @ApiProduces(METRICS_CONTENT_TYPE)
  @ApiOkResponse({ description: 'The Prometheus text format, version 0.0.4', content: { [METRICS_CONTENT_TYPE]: { schema: { type: 'string' } } } })
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

/** GET /metrics in the Prometheus format: the process's own metrics plus what features register. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: METRICS,
      useFactory: () => {
        const registry = new Registry();
        collectDefaultMetrics({ register: registry, prefix: 'cdp_' });
        new Gauge({ name: 'cdp_build_info', help: 'Always 1; its version label is the release the process runs (package.json, +commit)', labelNames: ['version'], registers: [registry] }).set({ version: releaseVersion() }, 1);
        return registry;
      },
    },
  ],
  exports: [METRICS],
})
export class MetricsModule {}
