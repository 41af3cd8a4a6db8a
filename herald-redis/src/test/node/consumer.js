// A CloudEvents consumer as a Node.js service would write it: PSUBSCRIBE <prefix>:* and accept
// each message the way the official SDK accepts a structured-mode JSON event (validation on).
//
//   node consumer.js <redis port> <max messages> <timeout ms> [pattern]
//
// Prints READY once subscribed, then one line per message:
//   OK <channel> <type> <id>
//   REJECTED <channel> <reason>
// and exits after <max messages> messages or <timeout ms>, whichever comes first.
'use strict';

const { HTTP } = require('cloudevents');
const { createClient } = require('redis');

const [port, maxMessages, timeoutMs, pattern = 'herald:*'] = process.argv.slice(2);
if (!port || !maxMessages || !timeoutMs) {
  console.error('usage: node consumer.js <redis port> <max messages> <timeout ms> [pattern]');
  process.exit(2);
}

function reasonOf(error) {
  const details = (error.errors || []).map((e) => (e && e.message) || String(e));
  const extra = details.filter((d) => !String(error.message).includes(d));
  return [error.message, ...extra].join('; ').replace(/\s+/g, ' ');
}

async function main() {
  const client = createClient({ socket: { host: '127.0.0.1', port: Number(port) } });
  client.on('error', (error) => console.error(`redis error: ${error.message}`));
  await client.connect();
  let seen = 0;
  const done = async (code) => {
    try {
      await client.quit();
    } finally {
      process.exit(code);
    }
  };
  setTimeout(() => done(0), Number(timeoutMs));
  await client.pSubscribe(pattern, (message, channel) => {
    try {
      const event = HTTP.toEvent({
        headers: { 'content-type': 'application/cloudevents+json' },
        body: message,
      });
      event.validate(); // the constructor validates already; asking again costs nothing
      console.log(`OK ${channel} ${event.type} ${event.id}`);
    } catch (error) {
      console.log(`REJECTED ${channel} ${reasonOf(error)}`);
    }
    seen += 1;
    if (seen >= Number(maxMessages)) {
      done(0);
    }
  });
  console.log('READY');
}

main().catch((error) => {
  console.error(`consumer failed: ${error.stack || error}`);
  process.exit(1);
});
