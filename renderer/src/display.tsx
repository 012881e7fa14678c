/** Lobby display entry (叫号屏): the queue board, live. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { DisplayApp } from './features/kiosk/DisplayApp';
import './features/kiosk/kiosk.css';
import { initI18n } from './i18n';

initI18n();

const root = document.getElementById('root');
if (!root) throw new Error('display.html lacks #root');
createRoot(root).render(
  <StrictMode>
    <DisplayApp />
  </StrictMode>,
);
