/**
 * Reference solution for Lab 6, exercise 2: an index that serves both the
 * filter and the sort, so each call reads only the customer's own rows, in
 * order, with no filesort. The query itself stays as it was.
 */
import type { Db, Order } from '../../../checker/exercise-api.js';

export async function migrate(db: Db): Promise<void> {
  await db.query('CREATE INDEX idx_orders_customer_created ON orders (customer_id, created_at)');
}

export async function ordersForCustomer(db: Db, customerId: number): Promise<Order[]> {
  return db.query<Order>('SELECT id, customer_id, status, total, created_at FROM orders WHERE customer_id = ? ORDER BY created_at DESC, id DESC', [customerId]);
}
