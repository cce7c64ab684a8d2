import { useEffect } from 'react';

/** The tab's title names the page first, so a person with many tabs finds theirs. */
export function useTitle(title: string | undefined): void {
  useEffect(() => {
    if (title) {
      document.title = `${title} · Enroll`;
    }
  }, [title]);
}
