export {
  APP_CONFIG,
  ConfigError,
  loadConfig,
  PAYMENT_GATEWAYS,
  type AppConfig,
  type LoadedConfig,
  type NodeEnv,
  type PaymentGatewayName,
} from './app-config';
export { ConfigModule } from './config.module';
