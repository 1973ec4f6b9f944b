/** The count sheet on the console's print page: the sheet as the server built it, and its 执行主席. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { CountSheet, PresidingChair } from '@piaojue/shared';
import { countSheetApi } from '../api/countSheet.ts';

export const useCountSheetStore = defineStore('countSheet', () => {
  const sheet = ref<CountSheet | null>(null);

  function applySheet(s: CountSheet | null) {
    sheet.value = s;
  }
  /** The server's answer to a new 执行主席: the sheet shows the name as saved. */
  function applyChair(c: PresidingChair) {
    if (sheet.value?.pollId === c.pollId) sheet.value = { ...sheet.value, presidingChair: c.name };
  }

  async function load(pollId: string) {
    applySheet(null);
    applySheet(await countSheetApi.sheet(pollId));
  }
  async function saveChair(pollId: string, name: string) {
    applyChair(await countSheetApi.setChair(pollId, { name }));
  }
  return { sheet, applySheet, applyChair, load, saveChair };
});
