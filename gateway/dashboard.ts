import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

/** Where `vite build` leaves the dashboard (npm run build; npm start builds it when it is missing or stale). */
export const DASHBOARD_DIR = path.resolve('dashboard/dist');

/**
 * The live dashboard's static files under /dashboard. Its scripts are module files of our own origin, which the
 * content security policy's 'self' allows, and it talks to /graphql over HTTP and graphql-ws like any client.
 */
export function dashboardRouter(dir = DASHBOARD_DIR): Router {
  const router = express.Router();
  router.get('/dashboard', (req, res, next) => (req.originalUrl.split('?')[0] === '/dashboard' ? res.redirect(301, '/dashboard/') : next()));
  if (!existsSync(path.join(dir, 'index.html'))) {
    router.use('/dashboard', (_req, res) => void res.status(404).type('text').send('The dashboard is not built: run npm run build (npm start builds it).'));
    return router;
  }
  // File names under assets/ carry a hash of their content: cached for good; the page itself is always asked again.
  router.use('/dashboard/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }));
  router.use('/dashboard', express.static(dir, { index: 'index.html', maxAge: 0 }));
  return router;
}
