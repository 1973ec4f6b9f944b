import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { router } from './router/index.ts';
import { i18n, currentLocale } from './i18n/index.ts';
import './styles/base.css';

document.documentElement.lang = currentLocale();
createApp(App).use(createPinia()).use(router).use(i18n).mount('#app');
