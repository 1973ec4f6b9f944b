import type { Db } from '../../db/database.ts';
import { CarryOverService } from './carry-over.service.ts';
import { CollectionService } from './collection.service.ts';
import { PortalService } from './portal.service.ts';
import { ReviewService } from './review.service.ts';
import { ShortlistService } from './shortlist.service.ts';
import { SubmissionsService } from './submissions.service.ts';

/** The proposals module's use cases, one service each; the app holds them as services.proposals. */
export class ProposalsService {
  readonly collection: CollectionService;
  readonly submissions: SubmissionsService;
  readonly review: ReviewService;
  readonly shortlist: ShortlistService;
  readonly carryOver: CarryOverService;
  readonly portal: PortalService;

  constructor(db: Db, publicUrl: string) {
    this.collection = new CollectionService(db, publicUrl);
    this.review = new ReviewService(db);
    this.submissions = new SubmissionsService(db, this.review);
    this.shortlist = new ShortlistService(db);
    this.carryOver = new CarryOverService(db);
    this.portal = new PortalService(db);
  }

  /** The app's sweeper: drops double-submit slots past the folding window. */
  pruneSubmissions(): Promise<void> {
    return this.submissions.pruneSubmissions();
  }
}
