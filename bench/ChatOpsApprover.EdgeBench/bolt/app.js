// The edge benchmark's reference: a Slack app written with Bolt for JavaScript that only verifies a slash command's
// signature and acknowledges it, as Slack's own framework does it. Usage: node app.js <port> <signing secret> <web api url>
const { App, LogLevel } = require('@slack/bolt');

const [port, signingSecret, slackApiUrl] = process.argv.slice(2);
const app = new App({
  signingSecret,
  token: 'xoxb-bench',
  // With the bot's ids given, Bolt never calls auth.test (not at start, not per request): only verify and acknowledge.
  tokenVerificationEnabled: false,
  botId: 'B0BENCH',
  botUserId: 'U0BENCHBOT',
  clientOptions: { slackApiUrl },
  // Slack is pointed at the same path as for the bot.
  endpoints: '/slack/commands',
  logLevel: LogLevel.WARN,
});

app.command('/jit', async ({ ack }) => {
  await ack();
});

(async () => {
  await app.start(Number(port));
  console.log(`bolt listening on ${port}`);
})();
