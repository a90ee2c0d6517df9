/** Baseline for the ingest bench: a bare Express 5 JSON echo on a loopback port (printed on stdout). */
import express from "express";

const app = express();
app.disable("x-powered-by");
app.set("etag", false);
app.post("/echo", express.json({ limit: 64 * 1024 }), (req, res) => {
  res.status(201).json(req.body);
});
const server = app.listen(0, "127.0.0.1", () => {
  const addr = server.address() as { port: number };
  process.stdout.write(`LISTENING http://127.0.0.1:${addr.port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
