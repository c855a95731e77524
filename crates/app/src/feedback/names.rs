//! Unit names and category names for lists of items, each read once per page.

use std::collections::HashMap;

use tuquan_domain::feedback::Category;
use tuquan_store::StoreError;

use crate::i18n::Lang;
use crate::{AppResult, Ctx};

/// Names looked up once per page.
pub struct Names<'a> {
    ctx: &'a Ctx,
    lang: Lang,
    /// Hidden categories too (staff pages); public views know the active ones only.
    hidden: bool,
    units: HashMap<String, Option<String>>,
    categories: HashMap<String, Vec<Category>>,
}

impl<'a> Names<'a> {
    /// For public views: active categories.
    pub fn public(ctx: &'a Ctx, lang: Lang) -> Self {
        Self {
            ctx,
            lang,
            hidden: false,
            units: HashMap::new(),
            categories: HashMap::new(),
        }
    }

    /// For staff: hidden categories too.
    pub fn staff(ctx: &'a Ctx, lang: Lang) -> Self {
        Self {
            hidden: true,
            ..Self::public(ctx, lang)
        }
    }

    /// A unit already known (the one a list is of).
    pub fn know_unit(&mut self, code: &str, name: &str) {
        self.units.insert(code.to_owned(), Some(name.to_owned()));
    }

    /// A unit's name; `None` for a unit no longer in the tree.
    pub async fn unit(&mut self, code: &str) -> AppResult<Option<String>> {
        if let Some(n) = self.units.get(code) {
            return Ok(n.clone());
        }
        let name = match self.ctx.store().unit(code).await {
            Ok(u) => Some(u.unit.name),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        self.units.insert(code.to_owned(), name.clone());
        Ok(name)
    }

    /// A unit's name, or its code for a unit no longer in the tree.
    pub async fn unit_or_code(&mut self, code: &str) -> AppResult<String> {
        Ok(self.unit(code).await?.unwrap_or_else(|| code.to_owned()))
    }

    /// A category's name in the reader's language; its code when unknown.
    pub async fn category(&mut self, commune: &str, code: &str) -> AppResult<String> {
        if !self.categories.contains_key(commune) {
            let c = if self.hidden {
                let all = self.ctx.store().category_settings(commune).await?;
                all.into_iter().map(|s| s.category).collect()
            } else {
                self.ctx.store().categories_for(commune).await?
            };
            self.categories.insert(commune.to_owned(), c);
        }
        Ok(self.categories[commune]
            .iter()
            .find(|c| c.code == code)
            .map(|c| category_name(self.lang, c))
            .unwrap_or_else(|| code.to_owned()))
    }
}

/// A category's name in the reader's language.
pub fn category_name(lang: Lang, c: &Category) -> String {
    match lang {
        Lang::En => c.name_en.clone(),
        Lang::Vi => c.name_vi.clone(),
    }
}
