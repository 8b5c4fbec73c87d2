//! The community directory (resources) and connections of a referral to
//! them: adding and editing entries, connecting, and moving connections on.

use chrono::NaiveDate;

// The data, named here too for those who use the rules.
pub use crate::model::directory::{
    Connection, ConnectionChange, ConnectionId, ConnectionStatus, Resource, ResourceId,
    STALE_AFTER_DAYS,
};
use crate::model::lists::ListKind;
use crate::model::{ReferralId, Workspace};
use crate::store::crypto::Random;

/// Why a connection or resource edit was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DirectoryError {
    #[error("Choose a resource from the directory, or type the name of one.")]
    NameMissing,
    #[error("Choose a category.")]
    CategoryMissing,
    #[error("That category is not in the list.")]
    CategoryUnknown,
    #[error("That referral is no longer in the workspace.")]
    NoSuchReferral,
    #[error("That connection is no longer on the referral.")]
    NoSuchConnection,
    #[error("Enter a real date that is not in the future, on or after the referral date.")]
    BadDate,
    #[error("Ended episodes take no new connections. Reopen the referral first.")]
    EpisodeEnded,
}

/// A connection about to be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewConnection {
    /// A directory entry, or `None` for a named resource.
    pub resource: Option<ResourceId>,
    /// The name, when it is not from the directory.
    pub name: String,
    /// Category id; empty takes the directory entry's.
    pub category: String,
    pub status: ConnectionStatus,
    pub date: NaiveDate,
}

impl Workspace {
    /// Adds or updates a directory entry (by id). Returns its id.
    pub fn save_resource(
        &mut self,
        mut resource: Resource,
        rng: &mut dyn Random,
    ) -> Result<ResourceId, DirectoryError> {
        resource.name = resource.name.trim().to_owned();
        if resource.name.is_empty() {
            return Err(DirectoryError::NameMissing);
        }
        self.check_category(&resource.category)?;
        if resource.id == ResourceId::default() {
            resource.id = ResourceId::from_random(rng.bytes16());
        }
        let id = resource.id;
        self.directory.insert(id, resource);
        Ok(id)
    }

    fn check_category(&self, category: &str) -> Result<(), DirectoryError> {
        if category.is_empty() {
            Err(DirectoryError::CategoryMissing)
        } else if !self
            .settings
            .lists
            .contains(ListKind::ConnectionCategories, category)
        {
            Err(DirectoryError::CategoryUnknown)
        } else {
            Ok(())
        }
    }

    /// Connects a referral to a directory resource or a named one. Returns
    /// the chunk to save.
    pub fn add_connection(
        &mut self,
        referral: ReferralId,
        new: &NewConnection,
    ) -> Result<u32, DirectoryError> {
        let NewConnection {
            resource,
            status,
            date,
            ..
        } = *new;
        let (name, category) = match resource.and_then(|id| self.directory.get(&id)) {
            Some(r) if new.category.is_empty() => (r.name.clone(), r.category.clone()),
            Some(r) => (r.name.clone(), new.category.clone()),
            None => (new.name.trim().to_owned(), new.category.clone()),
        };
        if name.is_empty() {
            return Err(DirectoryError::NameMissing);
        }
        self.check_category(&category)?;
        let r = self
            .changeable(referral)
            .ok_or(DirectoryError::NoSuchReferral)?;
        if !r.status.is_open() {
            return Err(DirectoryError::EpisodeEnded);
        }
        if date < r.referral_date {
            return Err(DirectoryError::BadDate);
        }
        r.connections.push(Connection {
            id: ConnectionId::new(),
            resource,
            name,
            category,
            status,
            history: vec![ConnectionChange { status, date }],
            feedback: String::new(),
        });
        let person = r.person;
        Ok(self.chunk_of(person).unwrap_or_default())
    }

    /// Moves a connection to another status on `date`, and records feedback.
    pub fn update_connection(
        &mut self,
        referral: ReferralId,
        connection: ConnectionId,
        status: ConnectionStatus,
        feedback: &str,
        date: NaiveDate,
    ) -> Result<u32, DirectoryError> {
        let r = self
            .changeable(referral)
            .ok_or(DirectoryError::NoSuchReferral)?;
        let earliest = r.referral_date;
        let c = r
            .connections
            .iter_mut()
            .find(|c| c.id == connection)
            .ok_or(DirectoryError::NoSuchConnection)?;
        if date < earliest || c.history.last().is_some_and(|h| date < h.date) {
            return Err(DirectoryError::BadDate);
        }
        if c.status != status {
            c.status = status;
            c.history.push(ConnectionChange { status, date });
        }
        c.feedback = feedback.trim().to_owned();
        let person = r.person;
        Ok(self.chunk_of(person).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{one_referral_ws, today, SeqRandom};

    fn walking(ws: &mut Workspace) -> ResourceId {
        ws.save_resource(
            Resource {
                name: "Thursday walking group".into(),
                organisation: "Riverside Rambles".into(),
                category: "physical_activity".into(),
                last_checked: NaiveDate::from_ymd_opt(2026, 6, 1),
                ..Resource::default()
            },
            &mut SeqRandom::default(),
        )
        .expect("saved")
    }

    #[test]
    fn resources_need_a_name_and_a_known_category_and_go_stale_after_a_year() {
        let mut ws = one_referral_ws();
        let mut rng = SeqRandom::default();
        assert_eq!(
            ws.save_resource(Resource::default(), &mut rng),
            Err(DirectoryError::NameMissing)
        );
        let bad = Resource {
            name: "X".into(),
            category: "astrology".into(),
            ..Resource::default()
        };
        assert_eq!(
            ws.save_resource(bad, &mut rng),
            Err(DirectoryError::CategoryUnknown)
        );
        let id = walking(&mut ws);
        let r = &ws.directory[&id];
        assert!(!r.is_stale(today()));
        assert!(r.is_stale(NaiveDate::from_ymd_opt(2027, 6, 2).expect("date")));
        assert!(
            Resource::default().is_stale(today()),
            "never checked is stale"
        );
    }

    #[test]
    fn connections_keep_their_status_history_and_feedback() {
        let mut ws = one_referral_ws();
        let referral = *ws.referrals.keys().next().expect("one");
        let resource = walking(&mut ws);
        let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).expect("date");
        let new = |resource, name: &str, category: &str, status, date| NewConnection {
            resource,
            name: name.into(),
            category: category.into(),
            status,
            date,
        };
        ws.add_connection(
            referral,
            &new(Some(resource), "", "", ConnectionStatus::Suggested, d(5)),
        )
        .expect("added");
        let c = ws.referrals[&referral].connections[0].clone();
        assert_eq!(c.name, "Thursday walking group");
        assert_eq!(
            c.category, "physical_activity",
            "the resource's category by default"
        );
        assert_eq!(
            ws.update_connection(referral, c.id, ConnectionStatus::Referred, "", d(4)),
            Err(DirectoryError::BadDate),
            "not before the last change"
        );
        ws.update_connection(
            referral,
            c.id,
            ConnectionStatus::Attended,
            "Came twice, enjoyed it",
            d(12),
        )
        .expect("updated");
        let c = &ws.referrals[&referral].connections[0];
        assert_eq!(
            c.history.iter().map(|h| h.status).collect::<Vec<_>>(),
            vec![ConnectionStatus::Suggested, ConnectionStatus::Attended]
        );
        assert_eq!(c.feedback, "Came twice, enjoyed it");
        assert!(c.status.taken_up());
        // A free-text connection needs a name and a category.
        let free = |name: &str, category: &str| {
            new(None, name, category, ConnectionStatus::Suggested, d(6))
        };
        assert_eq!(
            ws.add_connection(referral, &free(" ", "social")),
            Err(DirectoryError::NameMissing)
        );
        assert_eq!(
            ws.add_connection(referral, &free("Lunch club", "")),
            Err(DirectoryError::CategoryMissing)
        );
        ws.add_connection(referral, &free("Lunch club", "social"))
            .expect("added");
        assert_eq!(ws.referrals[&referral].connections.len(), 2);
    }
}
