//! The store's abandoned-checkout export (role `carts`, 장바구니, SPEC §12): Shopify's abandoned
//! checkouts export or a WooCommerce cart-abandonment plugin's table, one row per cart.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

use crate::model::CellRef;

/// One abandoned checkout as the store exported it.
#[derive(Debug, Clone, PartialEq)]
pub struct CartRow {
    /// Where the row came from (column A of its row).
    pub cell: CellRef,
    /// The store's cart/checkout id.
    pub cart_id: String,
    /// When the checkout was started.
    pub created: NaiveDateTime,
    /// Customer identity key (the same key as the sales rows'); `None` = no customer.
    pub customer: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    /// As the store wrote it.
    pub phone: Option<String>,
    /// The products in the cart, as named in the export.
    pub items: Vec<String>,
    pub total: Decimal,
    /// The store's link back to the cart, when exported.
    pub recovery_url: Option<String>,
    /// When the checkout was completed in the store, if it was.
    pub completed: Option<NaiveDateTime>,
}
