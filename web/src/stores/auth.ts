import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Me, StaffRole } from '@piaojue/shared';
import { api } from '../api/index.ts';
import { forgetDeputy } from '../lib/castQueue.ts';
import { safeStorage } from '../lib/storage.ts';

export const useAuthStore = defineStore('auth', () => {
  const me = ref<Me | null>(null);
  const loaded = ref(false);

  async function load(force = false): Promise<Me> {
    if (loaded.value && me.value && !force) return me.value;
    try {
      me.value = await api.me();
    } catch {
      me.value = { kind: 'anonymous' };
    }
    loaded.value = true;
    return me.value;
  }

  const user = computed(() => (me.value?.kind === 'user' ? me.value.user : null));
  const deputy = computed(() => (me.value?.kind === 'deputy' ? me.value.deputy : null));
  const hasRole = (...roles: StaffRole[]) => !!user.value && user.value.roles.some((r) => roles.includes(r));

  async function login(username: string, password: string) {
    me.value = await api.login(username, password);
    loaded.value = true;
  }
  async function deputyLogin(code: string) {
    me.value = await api.deputyLogin(code);
    forgetDeputy(safeStorage('local'));
    loaded.value = true;
  }
  async function setup(token: string, username: string, displayName: string, password: string) {
    me.value = await api.setup({ token, username, displayName, password });
    loaded.value = true;
  }
  async function logout() {
    try {
      await api.logout();
    } finally {
      me.value = { kind: 'anonymous' };
      forgetDeputy(safeStorage('local'));
    }
  }

  return { me, loaded, user, deputy, hasRole, load, login, deputyLogin, setup, logout };
});
