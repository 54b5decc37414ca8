import { createDataSource } from './data-source';
import { loadDatabaseConfig } from '../../config/src';

/**
 * The same DataSource for the TypeORM CLI:
 * `npx typeorm migration:show -d dist/libs/persistence/src/cli-data-source.js`, as the owner role (DATABASE_OWNER_URL).
 */
const config = loadDatabaseConfig(process.env);
export default createDataSource(config.ownerUrl ?? config.url);
