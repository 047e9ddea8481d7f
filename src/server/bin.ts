/** Process entry of the `attackmap` command. */
import { main } from './cli.js';

const args = process.argv.slice(2);
main(args).then((code) => {
  // A stopped server may leave watchers behind; it has flushed everything, so exit now.
  if (args[0] === 'serve') process.exit(code);
  process.exitCode = code;
});
