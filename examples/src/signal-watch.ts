/**
 * The smallest signal program: a `SignalQueue` of SIGHUP and SIGUSR1, read by the main
 * task, which reports each signal. Nothing else keeps the process alive: the task waiting
 * in `get()` does. Ctrl-C (or SIGTERM) stops it through `main()`, with status 130 (143).
 *
 * Run:  node examples/dist/signal-watch.js
 * Try:  kill -HUP <pid>;  kill -USR1 <pid>;  then Ctrl-C
 */
import { main, SignalQueue } from 'curio';

function* reportSignals() {
  using signals = new SignalQueue('SIGHUP', 'SIGUSR1');
  console.log(`Watching SIGHUP and SIGUSR1: try kill -HUP ${process.pid}`);
  while (true) {
    const signal = yield* signals.get();
    console.log('Got', signal);
  }
}

await main(reportSignals);
