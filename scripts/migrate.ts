// pnpm migrate: bring the database (DATABASE_URL, else the embedded one under DATA_DIR) up to date.
import { loadConfig } from '../server/src/config.ts';
import { connectDatabase } from '../server/src/db/connect.ts';

const database = await connectDatabase(loadConfig(), (m) => console.log(m));
console.log('schema is up to date');
await database.close();
