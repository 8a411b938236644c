/**
 * The baseline for the time-to-ready benchmark: the smallest Express server that answers
 * /healthz, started the same way the service is (compiled JS, `node`), so the ratio measures
 * what tasuki adds on top of Express itself.
 */
import express from 'express';

const app = express();
app.get('/healthz', (_req, res) => {
  res.json({ ok: true });
});
app.listen(Number(process.env.PORT ?? 8080));
