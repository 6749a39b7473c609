import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { adoptTokenFromUrl } from './api/token.js';
import { live } from './api/live.js';
import './styles.css';

// `arbiter start` prints the dashboard URL with a session token in the fragment (docs/api.md).
adoptTokenFromUrl(window.location, window.history);
live.start();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
