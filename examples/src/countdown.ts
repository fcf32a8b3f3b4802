/**
 * A kernel-only demo: the countdown/kid example of Curio's tutorial, with a lifecycle
 * activation printing what the kernel does (diagnostics on).
 *
 * Run: npm start (from the repository root).
 */
import { run, spawn, sleep, Event, timeoutAfter, TaskTimeout, type Activation } from 'curio';

/** Prints every task's lifecycle: the kernel's diagnostics hooks at work. */
const lifecycle: Activation = {
  created: (task) => console.log(`[kernel] created ${task}`),
  suspended: (task, trap) => trap !== null && console.log(`[kernel] ${task.name} waits in ${trap.name}`),
  terminated: (task) => console.log(`[kernel] ${task.name} terminated${task.exception ? ` with ${(task.exception as Error).name}` : ''}`),
};

const startEvt = new Event();

function* countdown(n: number) {
  while (n > 0) {
    console.log('T-minus', n);
    yield* sleep(100);
    n--;
  }
  startEvt.set();
}

function* kid() {
  console.log('Building the Millenium Falcon in Minecraft');
  try {
    yield* timeoutAfter(250, function* () {
      yield* startEvt.wait();
      console.log('Fine, going outside');
    });
  } catch (e) {
    if (!(e instanceof TaskTimeout)) throw e;
    console.log('Too slow! Back to Minecraft');
  }
}

function* parent() {
  const kidTask = yield* spawn(kid);
  yield* sleep(50);
  console.log("Yes, go play outside after the countdown");
  const countTask = yield* spawn(countdown, 5);
  yield* countTask.join();
  yield* kidTask.join();
}

await run(parent, { activations: [lifecycle] });
