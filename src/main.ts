import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp } from './common/configure-app';
import { ApiHttpAdapter } from './common/http-adapter';
import { ConfigError, loadConfig, type LoadedConfig } from './config';

/** Parses the configuration or exits with one clear line (code 1): production never starts half-configured. */
function configOrExit(): LoadedConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`MyTelevision API: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function bootstrap(): Promise<void> {
  const { config, warnings } = configOrExit();
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config),
    new ApiHttpAdapter(),
    {
      bufferLogs: true,
      ...(config.tls ? { httpsOptions: { cert: config.tls.cert, key: config.tls.key } } : {}),
    },
  );
  const logger = app.get(Logger);
  app.useLogger(logger);
  configureApp(app, config);
  for (const warning of warnings) logger.warn(warning, 'Config');
  await app.listen(config.port, config.host);
  const base = `${config.tls ? 'https' : 'http'}://${config.host}:${config.port}`;
  logger.log(`MyTelevision API listening on ${base} — metrics at ${base}/metrics`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `MyTelevision API failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
