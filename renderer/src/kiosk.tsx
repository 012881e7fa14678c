/** Lobby kiosk entry: its screens talk to the desk host through the kiosk allow-list (common/surfaces). */
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
