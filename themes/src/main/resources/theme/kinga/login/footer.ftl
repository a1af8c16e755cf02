<#-- Below every login-box page: the way to the self-service privacy page (also where someone whose
     account is closed for an erasure they asked for can cancel it). -->
<#macro content>
  <#if realm?? && realm.name??>
    <div id="kinga-privacy-link" class="kinga-footer-link">
      <a href="${url.resourcesCommonPath?keep_before('/resources/')}/realms/${realm.name?url('UTF-8')}/kinga-privacy/my-data">${msg("kingaMyDataLink")}</a>
    </div>
  </#if>
</#macro>
