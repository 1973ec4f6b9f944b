import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { useAuthStore } from '../stores/auth.ts';
import { portalConsoleRoutes, portalRoutes } from './portal.ts';

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'landing', component: () => import('../views/LandingView.vue') },

  {
    path: '/t',
    component: () => import('../views/deputy/DeputyLayout.vue'),
    meta: { app: 'tablet' },
    children: [
      { path: '', name: 'deputy-home', component: () => import('../views/deputy/DeputyHomeView.vue'), meta: { deputy: true } },
      { path: 'login', name: 'deputy-login', component: () => import('../views/deputy/DeputyLoginView.vue') },
    ],
  },

  // the 监票人's share backup: an A4 sheet, without the tablet's chrome
  { path: '/t/share-backup', name: 'deputy-share-backup', component: () => import('../views/deputy/ShareBackupView.vue'), meta: { deputy: true } },

  { path: '/results', name: 'results', component: () => import('../views/portal/ResultsIndexView.vue'), meta: { app: 'portal' } },
  { path: '/results/cycles/:id', name: 'results-cycle', component: () => import('../views/portal/CycleResultsView.vue'), meta: { app: 'portal' } },
  {
    path: '/results/polls/:id/announcement',
    name: 'announcement',
    component: () => import('../views/portal/AnnouncementView.vue'),
    meta: { app: 'portal' },
  },

  { path: '/hall/:sessionId', name: 'hall', component: () => import('../views/hall/HallView.vue'), meta: { app: 'hall' } },

  { path: '/console/login', name: 'console-login', component: () => import('../views/console/ConsoleLoginView.vue'), meta: { app: 'console' } },
  { path: '/console/setup', name: 'console-setup', component: () => import('../views/console/ConsoleSetupView.vue'), meta: { app: 'console' } },
  {
    path: '/console/sessions/:id/cards',
    name: 'seat-cards',
    component: () => import('../views/console/SeatCardsView.vue'),
    meta: { app: 'console', staff: true },
  },
  {
    path: '/console/polls/:id/paper-ballot',
    name: 'paper-ballot',
    component: () => import('../views/console/PaperBallotView.vue'),
    meta: { app: 'console', staff: true },
  },
  {
    path: '/console/polls/:id/count-sheet',
    name: 'count-sheet',
    component: () => import('../views/console/CountSheetView.vue'),
    meta: { app: 'console', staff: true },
  },
  {
    path: '/console/sessions/:id/voting-rules/print',
    name: 'voting-rules-print',
    component: () => import('../views/console/VotingRulesPrintView.vue'),
    meta: { app: 'console', staff: true },
  },
  {
    path: '/console',
    component: () => import('../views/console/ConsoleLayout.vue'),
    meta: { app: 'console', staff: true },
    children: [
      { path: '', name: 'console-dashboard', component: () => import('../views/console/DashboardView.vue') },
      { path: 'cycles/:id', name: 'console-cycle', component: () => import('../views/console/CycleView.vue') },
      { path: 'sessions/:id', name: 'console-session', component: () => import('../views/console/SessionView.vue') },
      { path: 'users', name: 'console-users', component: () => import('../views/console/UsersView.vue') },
      { path: 'units', name: 'console-units', component: () => import('../views/console/UnitsView.vue') },
      ...portalConsoleRoutes,
    ],
  },
  ...portalRoutes,
  { path: '/:rest(.*)*', redirect: '/' },
];

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
});

router.beforeEach(async (to) => {
  if (to.meta.staff) {
    const auth = useAuthStore();
    const me = await auth.load();
    if (me.kind !== 'user') return { name: 'console-login', query: { next: to.fullPath } };
  }
  if (to.meta.deputy) {
    const auth = useAuthStore();
    const me = await auth.load();
    if (me.kind !== 'deputy') return { name: 'deputy-login' };
  }
  return true;
});

declare module 'vue-router' {
  interface RouteMeta {
    app?: 'tablet' | 'hall' | 'console' | 'portal';
    staff?: boolean;
    deputy?: boolean;
  }
}
