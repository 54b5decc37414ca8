import { createDataSource } from './data-source';
import { loadDatabaseConfig } from '../../config/src';

/**
 * The same DataSource for the TypeORM CLI:
 * `npx typeorm migration:show -d dist/libs/persistence/src/cli-data-source.js`.
 */
export default createDataSource(loadDatabaseConfig(process.env).url);
