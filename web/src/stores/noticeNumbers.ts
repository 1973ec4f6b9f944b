/** A session's 公告 numbers on the console (docs/PROCEDURE.md, "The 公告 and its number"). */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { NoticeNumbering, NoticeNumberingBody } from '@piaojue/shared';
import { noticeNumbersApi } from '../api/noticeNumbers.ts';

export const useNoticeNumbersStore = defineStore('noticeNumbers', () => {
  const numbering = ref<NoticeNumbering | null>(null);

  /** Every answer of the server is the session's whole numbering: it replaces what was shown. */
  function applyNumbering(n: NoticeNumbering | null) {
    numbering.value = n;
  }

  async function load(sessionId: string) {
    if (numbering.value?.sessionId !== sessionId) applyNumbering(null);
    applyNumbering(await noticeNumbersApi.get(sessionId));
  }
  async function setNumbering(sessionId: string, body: NoticeNumberingBody) {
    applyNumbering(await noticeNumbersApi.setNumbering(sessionId, body));
  }
  async function enter(pollId: string, number: number) {
    applyNumbering(await noticeNumbersApi.enter(pollId, number));
  }
  return { numbering, applyNumbering, load, setNumbering, enter };
});
