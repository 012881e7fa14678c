/** Console entry: i18n, react-query, then the app. */
import { notifyManager, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { prefetchFirstScreen } from './api/queries';
import { ConsoleApp } from './features/console/ConsoleApp';
import './features/console/console.css';
import { initI18n } from './i18n';

initI18n();

// What the host answers reaches the screen in the task that brought it: react-query tells components of new data
// in a microtask after it, not in a setTimeout(0) task of its own (its default), which Chromium runs after the
// other queued work — a React render, the next answers — and which kept an action's result off the next frame.
notifyManager.setScheduler(queueMicrotask);

const queryClient = new QueryClient({
  defaultOptions: {
    // The host is local and pushes change events, so focus refetches and long retry chains only add noise.
    queries: { retry: 1, refetchOnWindowFocus: false },
    mutations: { retry: false },
  },
});

prefetchFirstScreen(queryClient);

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ConsoleApp />
    </QueryClientProvider>
  </StrictMode>,
);
