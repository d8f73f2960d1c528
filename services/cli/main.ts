import { Command } from 'commander';
import { checkpointsCommand } from './commands/checkpoints.ts';
import { devicesCommand } from './commands/devices.ts';
import { evaluateCommand } from './commands/evaluate.ts';
import { evaluateModelCommand } from './commands/evaluate-model.ts';
import { savepointCommand } from './commands/savepoint.ts';
import { simulateCommand } from './commands/simulate.ts';
import { startCommand } from './commands/start.ts';

/** The `eddy` command line. Each command lives in `commands/<name>.ts`. */
export function eddyProgram(): Command {
  return new Command('eddy')
    .description('Eddy: online machine learning and IoT analytics on MQTT streams')
    .version('0.1.0')
    .addCommand(startCommand())
    .addCommand(simulateCommand())
    .addCommand(checkpointsCommand())
    .addCommand(devicesCommand())
    .addCommand(savepointCommand())
    .addCommand(evaluateModelCommand())
    .addCommand(evaluateCommand())
    .showHelpAfterError();
}

await eddyProgram().parseAsync(process.argv);
