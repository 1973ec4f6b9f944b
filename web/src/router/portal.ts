import type { RouteRecordRaw } from 'vue-router';

/** Public pages: proposal portal (征集) and implementation progress (监督). */
export const portalRoutes: RouteRecordRaw[] = [
  { path: '/portal', name: 'portal', component: () => import('../views/portal/PortalIndexView.vue'), meta: { app: 'portal' } },
  { path: '/portal/cycles/:id/propose', name: 'portal-propose', component: () => import('../views/portal/ProposeView.vue'), meta: { app: 'portal' } },
  { path: '/portal/track', name: 'portal-track', component: () => import('../views/portal/TrackLookupView.vue'), meta: { app: 'portal' } },
  { path: '/portal/track/:code', name: 'portal-track-code', component: () => import('../views/portal/TrackProposalView.vue'), meta: { app: 'portal' } },
  { path: '/progress/cycles/:id', name: 'progress-cycle', component: () => import('../views/tracking/ProgressCycleView.vue'), meta: { app: 'portal' } },
  { path: '/progress/projects/:id', name: 'progress-project', component: () => import('../views/tracking/ProgressProjectView.vue'), meta: { app: 'portal' } },
  // printable, outside the console chrome
  {
    path: '/console/cycles/:id/posters',
    name: 'console-posters',
    component: () => import('../views/console/proposals/PostersView.vue'),
    meta: { app: 'console', staff: true },
  },
];

/** Children of the /console layout. */
export const portalConsoleRoutes: RouteRecordRaw[] = [
  { path: 'cycles/:id/collection', name: 'console-collection', component: () => import('../views/console/proposals/CollectionView.vue') },
  { path: 'cycles/:id/proposals', name: 'console-proposals', component: () => import('../views/console/proposals/ProposalQueueView.vue') },
  { path: 'cycles/:id/duplicates', name: 'console-duplicates', component: () => import('../views/console/proposals/DuplicateGroupsView.vue') },
  { path: 'similarity-lexicon', name: 'console-similarity-lexicon', component: () => import('../views/console/proposals/SimilarityLexiconView.vue') },
  { path: 'cycles/:id/tracking', name: 'console-tracking', component: () => import('../views/console/tracking/TrackingConsoleView.vue') },
  { path: 'cycles/:id/year-summary', name: 'console-year-summary', component: () => import('../views/console/tracking/YearSummaryView.vue') },
  { path: 'tracking/mine', name: 'console-tracking-mine', component: () => import('../views/console/tracking/MyTrackingView.vue') },
];
