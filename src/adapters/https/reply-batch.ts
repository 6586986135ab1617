/**
 * Replies are written together at the end of the event loop's turn, after every request that arrived
 * in it has run, instead of one by one as each finishes. Each write to a socket whose reader sleeps
 * wakes that reader, and on a virtual machine a wake-up is an inter-processor interrupt through the
 * hypervisor: written one by one, nearly every reply paid one, because the client side went back to
 * sleep while the next request ran. Written in a burst, the first reply wakes the client side and the
 * others find it awake. This matters most where Causeway's clients share the host (the ingress in
 * front of the workers, a proxy, the load generator of `npm run bench`): in an echo run on 2 vCPUs it
 * took a quarter off the CPU per request. A reply waits at most for the rest of its turn's requests.
 */

type Write = () => void;

let due: Write[] = [];

/**
 * Runs `write` at the end of this turn of the event loop (libuv's check phase), with the others due, in
 * the order they came. `write` should answer its own failures (a 500, or closing the connection).
 */
export function replyAtTurnEnd(write: Write): void {
  due.push(write);
  if (due.length === 1) setImmediate(writeDue);
}

function writeDue(): void {
  // A reply that becomes due while these are written waits for the next turn's batch.
  const writes = due;
  due = [];
  for (const write of writes) {
    // Each write answers its own failures; one that throws all the same must not hold up the others.
    try {
      write();
    } catch (error) {
      console.error('causeway: a reply could not be written:', error);
    }
  }
}
