/** Login codes are shown once: they live only in memory, for the seat-card print page. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { IssuedCode } from '@piaojue/shared';

export const useIssuedCodesStore = defineStore('issuedCodes', () => {
  const sessionId = ref<string | null>(null);
  const sessionName = ref('');
  const codes = ref<IssuedCode[]>([]);
  function set(id: string, name: string, list: IssuedCode[]) {
    sessionId.value = id;
    sessionName.value = name;
    codes.value = list;
  }
  function clear() {
    codes.value = [];
  }
  return { sessionId, sessionName, codes, set, clear };
});
