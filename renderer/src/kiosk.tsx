/** Lobby kiosk entry. It needs no desk data yet, so it does not open the desk connection at all. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { KioskApp } from './features/kiosk/KioskApp';
import './features/kiosk/kiosk.css';
import { initI18n } from './i18n';

initI18n();

const root = document.getElementById('root');
if (!root) throw new Error('kiosk.html lacks #root');
createRoot(root).render(
  <StrictMode>
    <KioskApp />
  </StrictMode>,
);
